package status

import "github.com/cortex-cinegraph/golive/pubsub"

// Updates cross server nodes on a cluster PubSub as status.Update values.
func init() { pubsub.Register[Update]("status.update") }
