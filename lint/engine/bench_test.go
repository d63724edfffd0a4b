package engine_test

import (
	"context"
	"testing"

	"github.com/ambientkit/ambientkit/internal/gentree"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// BenchmarkRun lints generated GitOps trees with the full catalogue: 10,000 objects in about
// 6,000 files (the target: under a second on two cores), and the 80 objects in about 50 files
// of a small repository, as pre-commit lints on every commit.
func BenchmarkRun(b *testing.B) {
	for _, bc := range []struct {
		name    string
		objects int
	}{
		{"objects=10000", 10000},
		{"objects=80", 80},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := b.TempDir()
			if err := gentree.GenerateTree(dir, bc.objects); err != nil {
				b.Fatal(err)
			}
			opts := engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()}
			b.ReportAllocs()
			for b.Loop() {
				res, err := engine.Run(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if res.Objects != bc.objects {
					b.Fatalf("loaded %d objects, want %d", res.Objects, bc.objects)
				}
			}
		})
	}
}
