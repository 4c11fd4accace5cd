package search

import (
	"bufio"
	_ "embed"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// DefaultSynonyms is the synonyms file used when a deployment gives none.
//
//go:embed synonyms.txt
var DefaultSynonyms string

// MaxSynonymRules caps the rules of one synonyms file.
const MaxSynonymRules = 10000

// Rule rewrites a sequence of folded words into one canonical word.
type Rule struct {
	From []string
	To   string
}

// Synonyms is a parsed synonyms file. Every rule contracts its words into a
// single canonical word, so that "t shirt", "t-shirt" and "tshirt" all
// become "tshirt" in the index and in the query alike; the engines apply the
// same rules (Bleve through a token filter, OpenSearch through a synonym
// filter given Rules in Solr form). The zero value has no rules.
type Synonyms struct {
	rules   []Rule
	byFirst map[string][]int // rule indexes by their first word
	maxLen  int
}

// ParseSynonyms reads a synonyms file in a subset of the Solr format, one
// rule per line, '#' starting a comment:
//
//	t shirt, t-shirt, tshirt        equivalent; all become the first, spaces removed: "tshirt"
//	tee shirt, tee-shirt => tshirt  each left side becomes the single word on the right
//
// A malformed line is a CodeInvalid error naming the line.
func ParseSynonyms(r io.Reader) (*Synonyms, error) {
	s := &Synonyms{byFirst: map[string][]int{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		var lhs []string
		var canon string
		if l, r, ok := strings.Cut(text, "=>"); ok {
			to := Words(r)
			if len(to) != 1 {
				return nil, catalog.Errorf(catalog.CodeInvalid, "synonyms line %d: the right side of => must be one word", line)
			}
			canon = to[0]
			lhs = strings.Split(l, ",")
		} else {
			lhs = strings.Split(text, ",")
			canon = strings.Join(Words(lhs[0]), "")
		}
		if canon == "" {
			return nil, catalog.Errorf(catalog.CodeInvalid, "synonyms line %d: empty rule", line)
		}
		for _, entry := range lhs {
			words := Words(entry)
			if len(words) == 0 {
				return nil, catalog.Errorf(catalog.CodeInvalid, "synonyms line %d: empty entry", line)
			}
			if len(words) == 1 && words[0] == canon {
				continue
			}
			if n, _ := s.Match(words); n == len(words) {
				continue // the same words already have a rule: the first one wins
			}
			s.byFirst[words[0]] = append(s.byFirst[words[0]], len(s.rules))
			s.rules = append(s.rules, Rule{From: words, To: canon})
			s.maxLen = max(s.maxLen, len(words))
			if len(s.rules) > MaxSynonymRules {
				return nil, catalog.Errorf(catalog.CodeTooLarge, "synonyms: more than %d rules", MaxSynonymRules)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalid, err, "synonyms file unreadable")
	}
	return s, nil
}

// ReadSynonymsFile reads and parses the synonyms file at path. Its errors
// are CodeInvalid (or CodeTooLarge) and name the file, and the line of a
// malformed rule.
func ReadSynonymsFile(path string) (*Synonyms, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalid, err, "synonyms file "+path+" cannot be read")
	}
	defer func() { _ = f.Close() }()
	syn, err := ParseSynonyms(f)
	if err != nil {
		return nil, &catalog.Error{Code: catalog.CodeOf(err), Err: errors.Unwrap(err),
			Message: "synonyms file " + path + ": " + catalog.MessageOf(err)}
	}
	return syn, nil
}

// MustDefaultSynonyms parses DefaultSynonyms, which is part of the program.
func MustDefaultSynonyms() *Synonyms {
	s, err := ParseSynonyms(strings.NewReader(DefaultSynonyms))
	if err != nil {
		panic(err)
	}
	return s
}

// Rules returns the rules.
func (s *Synonyms) Rules() []Rule {
	if s == nil {
		return nil
	}
	return append([]Rule(nil), s.rules...)
}

// SolrRules returns the rules in the explicit Solr form "a b => ab" that
// OpenSearch's synonym token filter reads.
func (s *Synonyms) SolrRules() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, strings.Join(r.From, " ")+" => "+r.To)
	}
	return out
}

// SynonymsFromSolr is the inverse of SolrRules: it reads rules in the
// explicit Solr form "a b => ab" (as an OpenSearch index keeps them in its
// synonym filter) back into Synonyms with the same rules in the same order.
// A malformed rule is a CodeInvalid error naming its position (1-based).
func SynonymsFromSolr(rules []string) (*Synonyms, error) {
	for i, r := range rules {
		if strings.ContainsAny(r, "\n#") || !strings.Contains(r, "=>") {
			return nil, catalog.Errorf(catalog.CodeInvalid, "synonyms line %d: not an explicit rule \"a b => ab\"", i+1)
		}
	}
	return ParseSynonyms(strings.NewReader(strings.Join(rules, "\n")))
}

// Rewrite applies the rules to a sequence of folded words, longest match
// first, left to right.
func (s *Synonyms) Rewrite(words []string) []string {
	if s == nil || len(s.rules) == 0 {
		return words
	}
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); {
		n, to := s.Match(words[i:])
		if n == 0 {
			out = append(out, words[i])
			i++
			continue
		}
		out = append(out, to)
		i += n
	}
	return out
}

// Match returns how many leading words of words the longest rule covers and
// the word it gives, or 0 when no rule applies.
func (s *Synonyms) Match(words []string) (int, string) {
	best, to := 0, ""
	if s == nil || len(words) == 0 {
		return 0, ""
	}
	for _, i := range s.byFirst[words[0]] {
		r := s.rules[i]
		if len(r.From) <= best || len(r.From) > len(words) {
			continue
		}
		ok := true
		for k, w := range r.From {
			if words[k] != w {
				ok = false
				break
			}
		}
		if ok {
			best, to = len(r.From), r.To
		}
	}
	return best, to
}

// MaxLen is the number of words of the longest rule.
func (s *Synonyms) MaxLen() int {
	if s == nil {
		return 0
	}
	return s.maxLen
}
