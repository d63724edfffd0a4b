package load_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// aliasDoc is a ConfigMap whose aliases expand to 15^5 (759,375) nodes: under the bound of one
// document.
func aliasDoc(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\nx:\n  a: &a%d [%s]\n", i, i, strings.Repeat("x,", 14)+"x")
	prev := fmt.Sprintf("a%d", i)
	for _, l := range []string{"b", "c", "d", "e"} {
		name := fmt.Sprintf("%s%d", l, i)
		fmt.Fprintf(&b, "  %s: &%s [%s]\n", l, name, strings.TrimSuffix(strings.Repeat("*"+prev+",", 15), ","))
		prev = name
	}
	return b.String()
}

// Issue 12: the bound of one document let a thousand documents just under it take minutes.
// Aliases share one budget per file and one per load.
func TestAliasesHaveABudgetPerFileAndPerLoad(t *testing.T) {
	t.Run("per file", func(t *testing.T) {
		docs := make([]string, 50)
		for i := range docs {
			docs[i] = aliasDoc(i)
		}
		start := time.Now()
		objects, problems := load.Parse(&manifest.File{Path: "bomb.yaml", Data: []byte(strings.Join(docs, "---\n"))})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("parsing took %v", d)
		}
		if len(objects) != 1 || len(problems) != 1 || !strings.Contains(problems[0].Message, "alias bomb): its documents from the 2nd on are not read") {
			t.Errorf("%d objects and problems %v; want the first document read and the rest refused", len(objects), problems)
		}
	})
	t.Run("per load", func(t *testing.T) {
		dir := t.TempDir()
		for i := range 20 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("bomb-%02d.yaml", i)), []byte(aliasDoc(i)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "zz-good.yaml"), []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: good\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := load.Load(context.Background(), []string{dir}, load.Options{Root: dir, MaxFileSize: 16 << 20})
		if err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, p := range res.Problems {
			if strings.Contains(p.Message, "alias bombs") {
				refused++
			}
		}
		// About ten files' worth of aliases fit the budget; the rest are refused, and a file
		// without aliases is still read.
		if refused < 5 || refused > 12 || res.Objects[len(res.Objects)-1].Ref.Name != "good" {
			t.Errorf("%d files refused, last object %s; want about half refused and the good file read", refused, res.Objects[len(res.Objects)-1].Ref)
		}
	})
}
