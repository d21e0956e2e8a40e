package main

import (
	"flag"
	"strings"
)

// ignoreUsage is the help of every command's --ignore flag.
const ignoreUsage = "columns of a CSV file to leave out of the features, comma-separated header names or indices (an id, a name)"

// ignoreFlag defines a command's --ignore flag.
func ignoreFlag(fs *flag.FlagSet) *string { return fs.String("ignore", "", ignoreUsage) }

// missingUsage is the help of the --missing flag.
const missingUsage = "fill a CSV file's missing values (empty, NA, NaN, null, ?): mean (each column's mean over the file) or zero"

// missingFlag defines a command's --missing flag.
func missingFlag(fs *flag.FlagSet) *string { return fs.String("missing", "", missingUsage) }

// columnList is the columns of an --ignore value, each trimmed; none for
// an empty value.
func columnList(s string) []string {
	var cols []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cols = append(cols, c)
		}
	}
	return cols
}
