package domain

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Look-back assurance: what a look-back's result says about the closures it
// did not check. A look-back checks a sample of a population of closed
// problems and reopens some; the figure stated is the one-sided 95% upper
// bound on the share of unsound closures (closures a look-back would
// reopen) in the whole population.
//
// Simple random sample (and a look-back of every problem in its scope):
// the exact hypergeometric bound, the largest share D/N of unsound closures
// under which finding as few as were found still had a chance above 5%.
// Checking the whole population with none reopened gives 0.
//
// Weighted sample (drawn with probability proportional to risk): the draws
// are treated as n draws with replacement, each finding an unsound closure
// with probability P = (risk weight of the unsound closures) / (total
// weight) — Hansen–Hurwitz's view of a weighted draw. Clopper–Pearson bounds
// P; the bound on the share is then the largest number of closures whose
// weights sum to at most that share of the total weight, taking the lowest
// weights first: the worst case, in which the unsound closures are those the
// draw was least likely to pick. Drawing without replacement finds at least
// as many as drawing with replacement, so the bound is conservative.

// Confidence95 is the level of every stated bound: one-sided 95%.
const Confidence95 = 0.95

// Assurance is what a look-back says about its population.
type Assurance struct {
	// Population is how many closed problems the sample was drawn from.
	Population int `json:"population"`
	// Sampled is how many the look-back reviews; Checked how many are
	// concluded (the bound rests on these only).
	Sampled  int  `json:"sampled"`
	Checked  int  `json:"checked"`
	Reopened int  `json:"reopened"`
	Weighted bool `json:"weighted"`
	// UpperBound95 is the one-sided 95% upper bound on the share of unsound
	// closures in the population, 0 to 1.
	UpperBound95 float64 `json:"upper_bound_95"`
}

// UpperBoundPercent writes the bound in percent as a person reads it,
// rounded up to one decimal so that rounding never understates it.
func (a Assurance) UpperBoundPercent() string {
	return FormatPercent(math.Ceil(a.UpperBound95*1000-1e-9) / 10)
}

// NewAssurance bounds the share of unsound closures in a population after
// checked of them were concluded and reopened of those reopened. weights
// are the population's risk weights for a weighted draw (nil for a simple
// random sample).
func NewAssurance(population, sampled, checked, reopened int, weights []float64) Assurance {
	a := Assurance{Population: population, Sampled: sampled, Checked: checked, Reopened: reopened, Weighted: weights != nil}
	switch {
	case population <= 0:
		return a
	case checked >= population:
		// A census: the share is known.
		a.UpperBound95 = float64(reopened) / float64(population)
	case weights != nil:
		a.UpperBound95 = WeightedUpperBound(weights, checked, reopened, 1-Confidence95)
	default:
		a.UpperBound95 = HypergeometricUpperBound(population, checked, reopened, 1-Confidence95)
	}
	return a
}

// logChoose is log C(n, k).
func logChoose(n, k int) float64 {
	if k < 0 || k > n {
		return math.Inf(-1)
	}
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// hypergeometricCDF is P(X ≤ k) when n of N are drawn without replacement
// and D of the N are marked.
func hypergeometricCDF(N, D, n, k int) float64 {
	total := logChoose(N, n)
	p := 0.0
	for x := max(0, n-(N-D)); x <= min(k, n, D); x++ {
		p += math.Exp(logChoose(D, x) + logChoose(N-D, n-x) - total)
	}
	return min(p, 1)
}

// HypergeometricUpperBound is the exact one-sided upper bound, at level
// 1-alpha, on the share D/N of marked items in a population of N when a
// simple random sample of n found k: the largest D with P(X ≤ k) > alpha,
// over N.
func HypergeometricUpperBound(N, n, k int, alpha float64) float64 {
	if N <= 0 || n <= 0 {
		return 1
	}
	// P(X ≤ k) falls as D grows: find the last D above alpha.
	lo, hi := k, N // P(X ≤ k | D = k) = 1 > alpha
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if hypergeometricCDF(N, mid, n, k) > alpha {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return float64(lo) / float64(N)
}

// binomialCDF is P(X ≤ k) for n trials of probability p.
func binomialCDF(n, k int, p float64) float64 {
	switch {
	case k >= n:
		return 1
	case p <= 0:
		return 1
	case p >= 1:
		return 0
	}
	sum := 0.0
	for x := 0; x <= k; x++ {
		sum += math.Exp(logChoose(n, x) + float64(x)*math.Log(p) + float64(n-x)*math.Log1p(-p))
	}
	return min(sum, 1)
}

// ClopperPearsonUpperBound is the exact one-sided upper bound, at level
// 1-alpha, on a binomial proportion after k successes in n trials: the p
// with P(X ≤ k) = alpha (1 - alpha^(1/n) when k = 0).
func ClopperPearsonUpperBound(n, k int, alpha float64) float64 {
	if n <= 0 || k >= n {
		return 1
	}
	if k == 0 {
		return 1 - math.Pow(alpha, 1/float64(n))
	}
	lo, hi := float64(k)/float64(n), 1.0
	for range 100 {
		mid := (lo + hi) / 2
		if binomialCDF(n, k, mid) > alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// WeightedUpperBound bounds the share of unsound items in a population with
// risk weights after n weighted draws found k: Clopper–Pearson on the
// share of weight, then the most items whose weights, lowest first, fit in
// that share of the total weight.
func WeightedUpperBound(weights []float64, n, k int, alpha float64) float64 {
	if len(weights) == 0 {
		return 1
	}
	sorted := slices.Clone(weights)
	slices.Sort(sorted)
	total := 0.0
	for _, w := range sorted {
		total += w
	}
	budget := ClopperPearsonUpperBound(n, k, alpha) * total
	count, sum := 0, 0.0
	for _, w := range sorted {
		if sum+w > budget*(1+1e-12) {
			break
		}
		sum += w
		count++
	}
	// At least as many as were found are unsound.
	count = max(count, k)
	return float64(count) / float64(len(sorted))
}

// SampleSizeForBound is how many of a population of N a simple random
// sample must check, none of them reopened, for the 95% upper bound on the
// share of unsound closures to be at most bound: the smallest n with
// HypergeometricUpperBound(N, n, 0) ≤ bound.
func SampleSizeForBound(N int, bound float64) (int, error) {
	if N <= 0 || N > 10_000_000 {
		return 0, Errorf(EInvalid, "population must be between 1 and 10000000").WithKey("sample_size_population").WithField("population")
	}
	if !(bound > 0 && bound < 1) {
		return 0, Errorf(EInvalid, "bound must be between 0 and 1 (e.g. 0.05)").WithKey("sample_size_bound").WithField("bound")
	}
	// The bound falls as n grows; n = N gives 0.
	lo, hi := 1, N
	for lo < hi {
		mid := (lo + hi) / 2
		if HypergeometricUpperBound(N, mid, 0, 1-Confidence95) <= bound {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

// RiskInput is what the records say about one closure that makes it worth a
// look: each counts towards its risk weight.
type RiskInput struct {
	// OpenFlags counts the problem's red flags (风险线索) not dismissed.
	OpenFlags int `json:"open_flags"`
	// Extensions counts the extensions granted on its measures.
	Extensions int `json:"extensions"`
	// ClosedLate: closed after a measure's deadline.
	ClosedLate bool `json:"closed_late"`
	// ReviewHours is how long the supervisor took from the closure request
	// to the approval; negative when unknown.
	ReviewHours float64 `json:"review_hours"`
	// TextOnly: no file evidence, text and justifications only.
	TextOnly bool `json:"text_only"`
}

// Weight is the risk weight of a closure in a weighted draw: 1 for a
// closure with nothing against it, so that every closure can be drawn, and
// more for each sign of paper rectification.
func (r RiskInput) Weight() float64 {
	w := 1.0
	w += 2 * float64(min(max(r.OpenFlags, 0), 5))
	w += float64(min(max(r.Extensions, 0), 3))
	if r.ClosedLate {
		w += 2
	}
	if r.TextOnly {
		w += 2
	}
	switch {
	case r.ReviewHours < 0:
	case r.ReviewHours < 1:
		// Approved within the hour: the evidence had little reading.
		w += 2
	case r.ReviewHours < 24:
		w++
	}
	return w
}

// WeightedSample draws size of ids without replacement, each draw with
// probability proportional to its weight among those left (successive
// sampling, by Efraimidis–Spirakis keys u^(1/w)), reproducibly: the same
// seed over the same ids and weights picks the same problems. weights[i] is
// ids[i]'s and must be positive. The result is sorted.
func WeightedSample(ids []int64, weights []float64, size int, seed int64) []int64 {
	type keyed struct {
		id  int64
		w   float64
		key float64
	}
	items := make([]keyed, len(ids))
	for i, id := range ids {
		items[i] = keyed{id: id, w: weights[i]}
	}
	slices.SortFunc(items, func(a, b keyed) int { return cmp.Compare(a.id, b.id) })
	items = slices.CompactFunc(items, func(a, b keyed) bool { return a.id == b.id })
	if size <= 0 {
		return []int64{}
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x5265637469667921)) // "Rectify!"
	for i := range items {
		// log(u)/w orders as u^(1/w) and keeps precision for large w.
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		items[i].key = math.Log(u) / items[i].w
	}
	slices.SortStableFunc(items, func(a, b keyed) int { return cmp.Compare(b.key, a.key) })
	out := make([]int64, 0, min(size, len(items)))
	for _, it := range items[:min(size, len(items))] {
		out = append(out, it.id)
	}
	slices.Sort(out)
	return out
}
