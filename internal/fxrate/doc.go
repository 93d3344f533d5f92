// Package fxrate holds exchange rates and exact conversion (SPEC §4.2a):
// the parsers of the European Central Bank's reference-rate files (units of
// a currency per 1 EUR), an in-memory Table of them, and a Converter that
// turns minor units of one currency into another's.
//
// A conversion of an amount in S to T on day d takes the latest ECB date on
// or before d that has both S and T (R_EUR = 1), computes amount × R_T / R_S
// exactly as a rational on minor units, and rounds half to even to T's ISO
// 4217 exponent. No rate is a *NoRateError with a reason, never a guess.
//
// The package does no I/O of its own: the store keeps the rates, the CLI
// and serve's refresher feed files and feeds through Parse.
package fxrate
