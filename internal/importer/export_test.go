package importer

// ReadBackForTest makes im project every file's groups from the store, as
// a file that shares days with another one is, and sum revenues and clicks
// through the chosen-file join: the check that the spool path
// (projectSpooled) and the sums of a file's own facts store the same as
// the paths they save.
func ReadBackForTest(im *Importer) { im.readBack = true }
