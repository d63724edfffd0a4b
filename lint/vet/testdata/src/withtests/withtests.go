// Package withtests is checked with -testfiles.
package withtests
