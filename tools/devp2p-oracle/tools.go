//go:build tools

// Package devp2poracle only pins go-ethereum so that its devp2p and ethkey commands build from
// this module. They are a TEST ORACLE for src/discovery (tests/discovery/oracle_test.sh): an
// independent implementation of EIP-778 records and EIP-1459 trees to diff our output against.
// Nothing of go-ethereum is committed here; `go build` fetches it from the Go module proxy.
package devp2poracle

import (
	_ "github.com/ethereum/go-ethereum/cmd/devp2p"
	_ "github.com/ethereum/go-ethereum/cmd/ethkey"
)
