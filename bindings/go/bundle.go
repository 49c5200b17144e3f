package bluechip

//go:generate go run ./internal/copybundle

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The single-file bridge, copied in by `go generate` (bundle/README.md); the directory also holds the
// README so the package builds without it.
//
//go:embed bundle
var bundleFS embed.FS

const bundleName = "bundle/bluechip.mjs"

// ErrNoEmbeddedBridge: this build of the package has no bridge bundle (see bundle/README.md).
var ErrNoEmbeddedBridge = errors.New("bluechip: this build embeds no bridge: run `go generate` in bindings/go " +
	"after building packages/cli/dist/bluechip.mjs, or set StdioOptions.Command")

// EmbeddedBridge reports whether this build carries the bridge bundle.
func EmbeddedBridge() bool {
	_, err := fs.Stat(bundleFS, bundleName)
	return err == nil
}

// bundlePath writes the embedded bundle once into the user's cache directory (named by its hash, so
// versions never mix) and returns its path for `node`.
func bundlePath() (string, error) {
	data, err := bundleFS.ReadFile(bundleName)
	if err != nil {
		return "", ErrNoEmbeddedBridge
	}
	sum := sha256.Sum256(data)
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "bluechip-go")
	path := filepath.Join(dir, "bluechip-"+hex.EncodeToString(sum[:8])+".mjs")
	if info, err := os.Stat(path); err == nil && info.Size() == int64(len(data)) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("bluechip: cache directory for the bridge: %w", err)
	}
	temporary, err := os.CreateTemp(dir, "bluechip-*.tmp")
	if err != nil {
		return "", fmt.Errorf("bluechip: writing the bridge: %w", err)
	}
	_, writeErr := temporary.Write(data)
	closeErr := temporary.Close()
	if err := errors.Join(writeErr, closeErr); err != nil {
		_ = os.Remove(temporary.Name())
		return "", fmt.Errorf("bluechip: writing the bridge: %w", err)
	}
	// Rename is atomic: two processes starting at once both end with a whole file.
	if err := os.Rename(temporary.Name(), path); err != nil {
		_ = os.Remove(temporary.Name())
		return "", fmt.Errorf("bluechip: writing the bridge: %w", err)
	}
	return path, nil
}
