package targeting

// countryCodeKnown reports whether c is an ISO 3166-1 alpha-2 code (the
// same list the import reader checks).
func countryCodeKnown(c string) bool { _, ok := iso3166Alpha2[c]; return ok }

// languageCodeKnown reports whether l is an ISO 639-1 code.
func languageCodeKnown(l string) bool { _, ok := iso639Alpha1[l]; return ok }
