package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhitong/internal/app"
)

// Every template a notice names in the source has a definition, so no
// message goes out with the generic fallback text.
func TestEveryNoticeTemplateIsDefined(t *testing.T) {
	known := app.TemplateNames()
	files, _ := filepath.Glob("*.go")
	name := regexp.MustCompile(`"((?:case|unit|staff|deputy|appointment)\.[a-z_]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "templates.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			if !strings.Contains(line, "Template") {
				continue
			}
			for _, m := range name.FindAllStringSubmatch(line, -1) {
				found++
				if !known[m[1]] {
					t.Errorf("%s: notice template %q has no definition in templates.go", f, m[1])
				}
			}
		}
	}
	if found < 5 {
		t.Fatalf("found only %d template names in the source: the scan is broken", found)
	}
}
