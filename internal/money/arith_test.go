package money

import (
	"errors"
	"math"
	"testing"
)

func TestAddMinor(t *testing.T) {
	tests := []struct {
		a, b, want int64
		err        error
	}{
		{1, 2, 3, nil},
		{-5, 3, -2, nil},
		{math.MaxInt64, 0, math.MaxInt64, nil},
		{math.MaxInt64, math.MinInt64, -1, nil},
		{math.MaxInt64, 1, 0, ErrOverflow},
		{math.MinInt64, -1, 0, ErrOverflow},
		{math.MinInt64, math.MinInt64, 0, ErrOverflow},
	}
	for _, tc := range tests {
		got, err := AddMinor(tc.a, tc.b)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("AddMinor(%d, %d) = %d, %v; want %d, %v", tc.a, tc.b, got, err, tc.want, tc.err)
		}
	}
}

func TestMulMinor(t *testing.T) {
	tests := []struct {
		a, n, want int64
		err        error
	}{
		{2999, 2, 5998, nil},
		{2999, -3, -8997, nil},
		{0, math.MinInt64, 0, nil},
		{math.MinInt64, 1, math.MinInt64, nil},
		{math.MaxInt64, -1, -math.MaxInt64, nil},
		{math.MaxInt64/2 + 1, 2, 0, ErrOverflow},
		{math.MinInt64, -1, 0, ErrOverflow},
		{-1, math.MinInt64, 0, ErrOverflow},
		{1 << 32, 1 << 32, 0, ErrOverflow},
	}
	for _, tc := range tests {
		got, err := MulMinor(tc.a, tc.n)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("MulMinor(%d, %d) = %d, %v; want %d, %v", tc.a, tc.n, got, err, tc.want, tc.err)
		}
	}
}

func TestSumMinor(t *testing.T) {
	tests := []struct {
		xs   []int64
		want int64
		err  error
	}{
		{nil, 0, nil},
		{[]int64{1, 2, -4}, -1, nil},
		{[]int64{math.MaxInt64, -1, 1}, math.MaxInt64, nil},
		{[]int64{math.MaxInt64, 1, -1}, 0, ErrOverflow},
	}
	for _, tc := range tests {
		got, err := SumMinor(tc.xs...)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("SumMinor(%v) = %d, %v; want %d, %v", tc.xs, got, err, tc.want, tc.err)
		}
	}
}
