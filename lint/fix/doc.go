// Package fix applies the text edits of findings' suggested fixes to file contents (Apply),
// shows them as a unified diff (Diff), and writes the fixed files all or nothing, each
// without a window in which it is partly written and with its mode and owner kept
// (WriteFiles). Edits that overlap an edit already taken are
// left for a later run.
package fix
