package site

import (
	"bytes"
	"html"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// The colours: a light style that prints well.
const styleName = "github"

// highlight returns code as HTML, one string per line, each token in a span
// with chroma's class for it (see chromaCSS). language is a fence's info
// word (go, sh) or, failing that, a file name (load.sh).
func highlight(language, code string) []string {
	code = strings.TrimSuffix(code, "\n")
	lexer := lexers.Get(language)
	if lexer == nil {
		lexer = lexers.Match(language)
	}
	if lexer == nil {
		lexer = lexers.Fallback
	}
	lexer = chroma.Coalesce(lexer)
	it, err := lexer.Tokenise(nil, code+"\n")
	if err != nil {
		// A lexer that cannot read the text still leaves it readable.
		it = chroma.Literator(chroma.Token{Type: chroma.Text, Value: code + "\n"})
	}
	var out []string
	for _, line := range chroma.SplitTokensIntoLines(it.Tokens()) {
		var sb strings.Builder
		for _, tok := range line {
			v := strings.TrimSuffix(tok.Value, "\n")
			if v == "" {
				continue
			}
			if class := tokenClass(tok.Type); class != "" {
				sb.WriteString(`<span class="` + class + `">` + html.EscapeString(v) + `</span>`)
			} else {
				sb.WriteString(html.EscapeString(v))
			}
		}
		out = append(out, sb.String())
	}
	// Lines are split at newlines, so there are as many as the text has.
	for want := strings.Count(code, "\n") + 1; len(out) < want; {
		out = append(out, "")
	}
	return out
}

// tokenClass is the class chroma's own HTML formatter gives a token type.
func tokenClass(t chroma.TokenType) string {
	for ; t != 0; t = t.Parent() {
		if class, ok := chroma.StandardTypes[t]; ok {
			return class
		}
	}
	return ""
}

// chromaCSS is the style sheet for the token classes, scoped to .chroma.
func chromaCSS() (string, error) {
	var buf bytes.Buffer
	style := styles.Get(styleName)
	if err := chtml.New(chtml.WithClasses(true)).WriteCSS(&buf, style); err != nil {
		return "", err
	}
	return buf.String(), nil
}
