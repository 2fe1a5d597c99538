//go:build tools

// Package gowaku only pins go-waku so that `go build github.com/waku-org/go-waku/cmd/waku`
// resolves from this module (go install @version refuses go-waku's own replace directive).
package gowaku

import _ "github.com/waku-org/go-waku/cmd/waku"
