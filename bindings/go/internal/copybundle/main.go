// Command copybundle copies the single-file bridge bundle (packages/cli/dist/bluechip.mjs) into
// bindings/go/bundle for go:embed. Run by `go generate ./...` in bindings/go.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

const howToBuild = `build it from the repository root: npm run build (its last step,
node packages/cli/scripts/bundle-cli.mjs, writes the bundle)`

func main() {
	// go generate runs in the package directory: bindings/go.
	source := filepath.Join("..", "..", "packages", "cli", "dist", "bluechip.mjs")
	data, err := os.ReadFile(source)
	if err != nil {
		fmt.Fprintf(os.Stderr, "copybundle: no bridge bundle at %s (%v);\n%s\n", source, err, howToBuild)
		os.Exit(1)
	}
	target := filepath.Join("bundle", "bluechip.mjs")
	// A dot name: go:embed of the directory skips it, so a build running meanwhile never embeds half a file.
	temporary := filepath.Join("bundle", ".bluechip.mjs.tmp")
	if err := os.WriteFile(temporary, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "copybundle:", err)
		os.Exit(1)
	}
	if err := os.Rename(temporary, target); err != nil {
		fmt.Fprintln(os.Stderr, "copybundle:", err)
		os.Exit(1)
	}
	fmt.Printf("copybundle: %s (%d bytes)\n", target, len(data))
}
