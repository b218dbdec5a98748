// Package load drives the tutorial's chapters with hey and reports what the
// kernel and the servers did: the listen-backlog sweep, ten thousand idle
// connections, TCP_CORK and TCP_NODELAY at work, and the CPU each server
// spends per request. cmd/load is its command line; each chapter's load.sh
// calls it with the chapter's default scenario.
//
// Every scenario writes its tables into the results folder as CSV in the
// format of the recorded runs in docs/data (benchdata.Data; bench.csv and
// bench-syscalls.csv for the bench), from which the results pages' tables
// are generated, and as Markdown laid out the way those pages show them.
//
// The parsers and renderers (hey's CSV, /proc files, percentiles, the SVG
// chart) are plain functions with unit tests on fixed inputs. The scenarios
// start real processes and take seconds to a minute, so no test runs them.
package load
