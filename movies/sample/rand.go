package sample

import (
	"hash/fnv"
	"math"
)

// rng is a splitmix64 stream. Each (seed, table, index) triple gets its own
// stream, which is what makes row i independent of N.
type rng struct{ s uint64 }

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func stream(seed uint64, table string, i int64) *rng {
	h := fnv.New64a()
	_, _ = h.Write([]byte(table))
	return &rng{s: mix(seed ^ mix(h.Sum64()) ^ mix(uint64(i)*0x9e3779b97f4a7c15+1))}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// float returns a uniform value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn returns a uniform value in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a uniform integer in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// normal returns a normally distributed value (Box–Muller).
func (r *rng) normal(mean, sd float64) float64 {
	u1 := r.float()
	if u1 < 1e-12 {
		u1 = 1e-12
	}
	return mean + sd*math.Sqrt(-2*math.Log(u1))*math.Cos(2*math.Pi*r.float())
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// permute maps i in [0, m) to a unique value in [0, m) (an affine
// bijection), so titles and names made from it never repeat.
func permute(i, m uint64) uint64 {
	a := uint64(780_291_637) % m
	for gcd(a, m) != 1 {
		a++
	}
	return (a*i + 12_345) % m
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
