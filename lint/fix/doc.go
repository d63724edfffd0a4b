// Package fix applies the text edits of findings' suggested fixes to file contents (Apply),
// shows them as a unified diff (Diff), and writes a fixed file in place without a window in
// which it is partly written (WriteFileAtomic). Edits that overlap an edit already taken are
// left for a later run.
package fix
