package search

import (
	"context"
	"slices"
	"unicode/utf8"
)

// maxRelaxTries bounds the searches a relaxed pass runs beyond the counts
// of single words.
const maxRelaxTries = 3

// Relaxed is the outcome of a relaxed pass: the plan that has hits, and
// the query words it does not require.
type Relaxed struct {
	Plan    Plan
	Dropped []string
}

// Relax looks, for a plan whose strict pass found nothing, for the plan
// that keeps the most informative of its words and has hits; count returns
// the hits of a plan (under the query's filters). It drops first the words
// that find nothing on their own (a word the catalog lacks, an
// abbreviation, a typo beyond its budget), then, when all the words find
// something but not together, one word at a time: numbers and units
// first, then the most frequent words (the least informative). The floor:
// at least half of the words stay (two at least when the dropped ones are
// found on their own), among them a word of four letters or more without
// a digit, and the words kept match in names, brands, categories or
// attributes (Plan.NameFields), not only in a description: a query about
// something the catalog does not hold still finds nothing. ok is false when no relaxed plan
// passes the floor with hits.
func Relax(ctx context.Context, p Plan, count func(context.Context, Plan) (int, error)) (Relaxed, bool, error) {
	var words []int // the indexes of the words that must match
	for i, w := range p.Words {
		if !w.Stop {
			words = append(words, i)
		}
	}
	if len(words) < 2 || p.StopOnly {
		return Relaxed{}, false, nil
	}
	freq := map[int]int{}
	var found []int
	for _, i := range words {
		n, err := count(ctx, p.only([]int{i}))
		if err != nil {
			return Relaxed{}, false, err
		}
		freq[i] = n
		if n > 0 {
			found = append(found, i)
		}
	}
	tries := 0
	try := func(keep []int) (Relaxed, bool, error) {
		if !floor(p, keep, len(words)) || tries >= maxRelaxTries {
			return Relaxed{}, false, nil
		}
		tries++
		rp := p.only(keep)
		n, err := count(ctx, rp)
		if err != nil || n == 0 {
			return Relaxed{}, false, err
		}
		var dropped []string
		for _, i := range words {
			if !slices.Contains(keep, i) {
				dropped = append(dropped, p.Words[i].Text)
			}
		}
		return Relaxed{Plan: rp, Dropped: dropped}, true, nil
	}
	if len(found) < len(words) {
		if r, ok, err := try(found); ok || err != nil {
			return r, ok, err
		}
	}
	// Every word is found alone (or dropping the missing ones was not
	// enough): drop one more, the least informative first, keeping two
	// words at least.
	if len(found) < 3 {
		return Relaxed{}, false, nil
	}
	order := slices.Clone(found)
	slices.SortStableFunc(order, func(a, b int) int {
		da, db := HasDigit(p.Words[a].Text), HasDigit(p.Words[b].Text)
		if da != db {
			if da {
				return -1
			}
			return 1
		}
		return freq[b] - freq[a]
	})
	for _, drop := range order {
		keep := slices.DeleteFunc(slices.Clone(found), func(i int) bool { return i == drop })
		if r, ok, err := try(keep); ok || err != nil {
			return r, ok, err
		}
	}
	return Relaxed{}, false, nil
}

// floor reports whether keeping the words keep (of n that must match) is
// still the query: at least half of them, one a word of four letters or
// more without a digit.
func floor(p Plan, keep []int, n int) bool {
	if len(keep) == 0 || 2*len(keep) < n {
		return false
	}
	for _, i := range keep {
		w := p.Words[i].Text
		if !HasDigit(w) && utf8.RuneCountInString(w) >= 4 {
			return true
		}
	}
	return false
}

// only is p with just the words keep (by index), required, matched exactly
// (or as the prefix being typed) in the name fields; no identifier.
func (p Plan) only(keep []int) Plan {
	out := Plan{NameFields: true}
	for _, i := range keep {
		w := p.Words[i]
		// Exact words only: a typo allowance on the few words left would
		// let them match unrelated names ("mower" -> "power").
		w.Stop, w.Fuzz = false, 0
		out.Words = append(out.Words, w)
	}
	return out
}
