package main

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// selectLive is /select, the suite's select playground: four selects,
// one validated (select3 must be above 5), timers that patch the page or
// change options and values while a select may be open.
type selectLive struct {
	tick                     int
	ticking                  bool
	tickTimer                *live.Timer
	select2Count, select4Cnt int
	select2On, select4On     bool
	values                   map[string]string
	validated                bool
	select2Opts              []int
	select4Value             string
}

func (v *selectLive) Mount(*live.Socket, live.Params) error {
	v.values = map[string]string{"select3": "2"}
	v.select2Opts = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	v.select4Value = "1"
	return nil
}

func (v *selectLive) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "validate":
		f := e.Value.Map("select_form")
		for _, k := range []string{"select1", "select2", "select3", "select4"} {
			v.values[k] = f.Get(k)
		}
		v.validated = true
	case "toggle-tick":
		v.ticking = !v.ticking
		if v.ticking {
			v.tickTimer = s.SendAfter(time.Second, atomMsg("tick"))
		} else if v.tickTimer != nil {
			v.tickTimer.Stop()
		}
	case "schedule-select2-update":
		v.select2Count, v.select2On = 5, true
		s.SendAfter(time.Second, atomMsg("select2_countdown"))
	case "schedule-select4-update":
		v.select4Cnt, v.select4On = 5, true
		s.SendAfter(time.Second, atomMsg("select4_countdown"))
	}
	return nil
}

func (v *selectLive) HandleInfo(s *live.Socket, msg any) error {
	switch msg {
	case atomMsg("tick"):
		v.tick++
		if v.ticking {
			v.tickTimer = s.SendAfter(time.Second, atomMsg("tick"))
		}
	case atomMsg("select2_countdown"):
		if v.select2Count == 0 {
			v.select2On = false
			v.select2Opts = append(v.select2Opts, slices.Max(v.select2Opts)+1)
		} else {
			v.select2Count--
			s.SendAfter(time.Second, atomMsg("select2_countdown"))
		}
	case atomMsg("select4_countdown"):
		if v.select4Cnt == 0 {
			v.select4On = false
			v.select4Value = strconv.Itoa(1 + rand.IntN(10))
		} else {
			v.select4Cnt--
			s.SendAfter(time.Second, atomMsg("select4_countdown"))
		}
	}
	return nil
}

// select3Error is the validation upstream's changeset does: an integer
// greater than 5, shown once the form has been validated.
func (v *selectLive) select3Error() bool {
	if !v.validated {
		return false
	}
	n, err := strconv.Atoi(v.values["select3"])
	return err == nil && n <= 5
}

func (v *selectLive) Render() templ.Component { return selectPage(v) }

func oneToTen() []string {
	out := make([]string, 10)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}

func intStrings(l []int) []string {
	out := make([]string, len(l))
	for i, n := range l {
		out[i] = strconv.Itoa(n)
	}
	return out
}
