// Package skiptests has keys only in its tests, which are not checked by default.
package skiptests
