package domain_test

import (
	"math"
	"slices"
	"testing"

	"github.com/rectify/rectify/internal/domain"
)

func TestClopperPearsonUpperBound(t *testing.T) {
	tests := []struct {
		name string
		n, k int
		want float64
	}{
		// 1 - 0.05^(1/59): the "59 with none found" rule.
		{"59 none found", 59, 0, 0.049507609888},
		{"10 none found", 10, 0, 0.258865550893},
		{"20 one found", 20, 1, 0.216106164207},
		{"100 three found", 100, 3, 0.075710793750},
		{"all found", 5, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.ClopperPearsonUpperBound(tt.n, tt.k, 0.05); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("ClopperPearsonUpperBound(%d, %d) = %.12f, want %.12f", tt.n, tt.k, got, tt.want)
			}
		})
	}
}

func TestHypergeometricUpperBound(t *testing.T) {
	// Known values computed with exact binomial coefficients: the largest
	// D with P(X ≤ k | N, D, n) > 0.05.
	tests := []struct {
		name    string
		N, n, k int
		wantD   int
	}{
		{"100 of 45 none found", 100, 45, 0, 4},
		{"100 of 10 none found", 100, 10, 0, 24},
		{"100 of 20 one found", 100, 20, 1, 19},
		{"50 of 20 two found", 50, 20, 2, 12},
		{"1000 of 59 none found", 1000, 59, 0, 48},
		{"200 of 30 none found", 200, 30, 0, 17},
		{"all but one checked", 30, 29, 0, 0},
		{"census none found", 30, 30, 0, 0},
		{"census two found", 30, 30, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.HypergeometricUpperBound(tt.N, tt.n, tt.k, 0.05)
			if want := float64(tt.wantD) / float64(tt.N); got != want {
				t.Errorf("HypergeometricUpperBound(%d, %d, %d) = %v, want %v", tt.N, tt.n, tt.k, got, want)
			}
		})
	}
	t.Run("large population approaches Clopper-Pearson", func(t *testing.T) {
		got := domain.HypergeometricUpperBound(1_000_000, 59, 0, 0.05)
		if math.Abs(got-0.0495) > 0.0005 {
			t.Errorf("bound = %v, want ≈ 0.0495", got)
		}
	})
}

func TestNewAssurance(t *testing.T) {
	equal := func(n int, w float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = w
		}
		return out
	}
	tests := []struct {
		name                    string
		population, checked, re int
		weights                 []float64
		want, tolerance         float64
	}{
		{"59 of a large population none found", 100_000, 59, 0, nil, 0.0495, 0.0005},
		{"whole population none found", 40, 40, 0, nil, 0, 0},
		{"whole population two found", 40, 40, 2, nil, 0.05, 0},
		{"whole population weighted none found", 40, 40, 0, equal(40, 3), 0, 0},
		{"nothing concluded yet", 40, 0, 0, nil, 1, 0},
		// Equal weights: Clopper–Pearson on the count, floored to whole
		// problems: floor(0.0495 * 1000) / 1000.
		{"weighted equal weights", 1000, 59, 0, equal(1000, 2), 0.049, 0},
		// Unequal weights: the worst case puts the unsound closures on the
		// light ones, so the bound is wider than the unweighted one.
		{"weighted light tail widens the bound", 1000, 59, 0, append(equal(500, 1), equal(500, 9)...), 0.247, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := domain.NewAssurance(tt.population, tt.checked, tt.checked, tt.re, tt.weights)
			if math.Abs(a.UpperBound95-tt.want) > tt.tolerance+1e-12 {
				t.Errorf("upper bound = %v, want %v ± %v", a.UpperBound95, tt.want, tt.tolerance)
			}
			if a.Population != tt.population || a.Checked != tt.checked || a.Reopened != tt.re || a.Weighted != (tt.weights != nil) {
				t.Errorf("assurance = %+v", a)
			}
		})
	}
}

func TestSampleSizeForBound(t *testing.T) {
	tests := []struct {
		name  string
		N     int
		bound float64
		want  int
	}{
		{"large population 5%", 1_000_000, 0.05, 59},
		{"large population 10%", 1_000_000, 0.10, 29},
		{"100 at 5%", 100, 0.05, 39},
		{"small population checks nearly all", 10, 0.05, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.SampleSizeForBound(tt.N, tt.bound)
			if err != nil || got != tt.want {
				t.Fatalf("SampleSizeForBound(%d, %v) = %d, %v; want %d", tt.N, tt.bound, got, err, tt.want)
			}
			if b := domain.HypergeometricUpperBound(tt.N, got, 0, 0.05); b > tt.bound {
				t.Errorf("bound at %d = %v > %v", got, b, tt.bound)
			}
			if got > 1 {
				if b := domain.HypergeometricUpperBound(tt.N, got-1, 0, 0.05); b <= tt.bound {
					t.Errorf("bound at %d = %v already ≤ %v", got-1, b, tt.bound)
				}
			}
		})
	}
	for _, bad := range []struct {
		name  string
		N     int
		bound float64
	}{{"no population", 0, 0.05}, {"bound zero", 100, 0}, {"bound one", 100, 1}} {
		t.Run("ErrInvalid "+bad.name, func(t *testing.T) {
			if _, err := domain.SampleSizeForBound(bad.N, bad.bound); domain.ErrorCode(err) != domain.EInvalid {
				t.Errorf("err = %v, want invalid", err)
			}
		})
	}
}

func TestRiskInputWeight(t *testing.T) {
	tests := []struct {
		name string
		in   domain.RiskInput
		want float64
	}{
		{"nothing against it", domain.RiskInput{ReviewHours: -1}, 1},
		{"slow review", domain.RiskInput{ReviewHours: 72}, 1},
		{"approved within the hour", domain.RiskInput{ReviewHours: 0.5}, 3},
		{"approved within the day", domain.RiskInput{ReviewHours: 5}, 2},
		{"late, text only, two extensions", domain.RiskInput{ClosedLate: true, TextOnly: true, Extensions: 2, ReviewHours: -1}, 7},
		{"extensions capped", domain.RiskInput{Extensions: 10, ReviewHours: -1}, 4},
		{"open flags", domain.RiskInput{OpenFlags: 2, ReviewHours: -1}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Weight(); got != tt.want {
				t.Errorf("Weight() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWeightedSample(t *testing.T) {
	ids := []int64{10, 20, 30, 40}
	weights := []float64{1, 2, 3, 4}
	t.Run("reproducible from the seed in any order", func(t *testing.T) {
		a := domain.WeightedSample(ids, weights, 2, 42)
		b := domain.WeightedSample([]int64{40, 30, 20, 10}, []float64{4, 3, 2, 1}, 2, 42)
		if !slices.Equal(a, b) || len(a) != 2 {
			t.Errorf("samples %v and %v differ", a, b)
		}
	})
	t.Run("whole population when size covers it", func(t *testing.T) {
		if got := domain.WeightedSample(ids, weights, 9, 1); !slices.Equal(got, ids) {
			t.Errorf("got %v", got)
		}
	})
	// Frequencies over many seeds (from a fixed one) against the exact
	// probabilities of successive sampling, within 4.5 standard errors.
	const draws = 20000
	check := func(t *testing.T, size int, want []float64) {
		counts := make(map[int64]int)
		for s := range int64(draws) {
			for _, id := range domain.WeightedSample(ids, weights, size, 1000+s) {
				counts[id]++
			}
		}
		for i, id := range ids {
			p := want[i]
			got := float64(counts[id]) / draws
			if se := math.Sqrt(p * (1 - p) / draws); math.Abs(got-p) > 4.5*se {
				t.Errorf("problem %d drawn with frequency %.4f, want %.4f ± %.4f", id, got, p, 4.5*se)
			}
		}
	}
	t.Run("one draw in proportion to weight", func(t *testing.T) {
		check(t, 1, []float64{0.1, 0.2, 0.3, 0.4})
	})
	t.Run("two draws without replacement", func(t *testing.T) {
		// π_i = p_i + Σ_{j≠i} p_j · w_i / (W − w_j).
		check(t, 2, []float64{0.234523809524, 0.441269841270, 0.608333333333, 0.715873015873})
	})
}

func TestLookbackSummariseAssurance(t *testing.T) {
	concluded := func(r domain.LookbackResult) domain.LookbackProblem {
		return domain.LookbackProblem{Status: domain.LookbackConcluded, Result: r}
	}
	pending := domain.LookbackProblem{Status: domain.LookbackPending}
	tests := []struct {
		name string
		lb   domain.Lookback
		want domain.Assurance
	}{
		{"chosen problems are a census of themselves", domain.Lookback{
			Problems: []domain.LookbackProblem{concluded(domain.LookbackConfirmed), concluded(domain.LookbackConfirmed)},
		}, domain.Assurance{Population: 2, Sampled: 2, Checked: 2, UpperBound95: 0}},
		{"a sample states its population", domain.Lookback{
			Population: 100, Scope: domain.LookbackScope{Sample: &domain.LookbackSample{Count: 2}},
			Problems: []domain.LookbackProblem{concluded(domain.LookbackReopened), pending},
		}, domain.Assurance{Population: 100, Sampled: 2, Checked: 1, Reopened: 1, UpperBound95: 1}},
		{"a weighted sample uses its weights", domain.Lookback{
			Population: 3, Weights: []float64{1, 1, 1}, Scope: domain.LookbackScope{Sample: &domain.LookbackSample{Count: 1, Weighted: true}},
			Problems: []domain.LookbackProblem{concluded(domain.LookbackConfirmed)},
		}, domain.Assurance{Population: 3, Sampled: 1, Checked: 1, Weighted: true, UpperBound95: 2.0 / 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.lb.Summarise()
			if got := tt.lb.Assurance; got != tt.want {
				t.Errorf("assurance = %+v, want %+v", got, tt.want)
			}
		})
	}
}
