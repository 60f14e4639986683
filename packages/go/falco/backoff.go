package falco

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff says when Subscribe retries: grpc's backoff (1 s, x1.6, +-20% jitter).
// The zero value means the defaults.
type Backoff struct {
	// InitialDelay before the first retry. Default 1 s.
	InitialDelay time.Duration
	// Multiplier per attempt. Default 1.6.
	Multiplier float64
	// MaxDelay caps the delay. Default 30 s.
	MaxDelay time.Duration
	// Jitter is the +- fraction of randomness. Default 0.2.
	Jitter float64
	// MaxAttempts consecutive failed attempts before Subscribe gives up
	// (its Err then says why). Default 0: never give up.
	MaxAttempts int
}

func (b Backoff) withDefaults() Backoff {
	if b.InitialDelay <= 0 {
		b.InitialDelay = time.Second
	}
	if b.Multiplier <= 0 {
		b.Multiplier = 1.6
	}
	if b.MaxDelay <= 0 {
		b.MaxDelay = 30 * time.Second
	}
	if b.Jitter <= 0 {
		b.Jitter = 0.2
	}
	return b
}

// Delay before retry number attempt (1-based); false to give up.
func (b Backoff) Delay(attempt int) (time.Duration, bool) {
	b = b.withDefaults()
	if b.MaxAttempts > 0 && attempt > b.MaxAttempts {
		return 0, false
	}
	base := math.Min(float64(b.InitialDelay)*math.Pow(b.Multiplier, float64(attempt-1)), float64(b.MaxDelay))
	return time.Duration(math.Max(0, base+base*b.Jitter*(rand.Float64()*2-1))), true
}
