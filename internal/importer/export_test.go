package importer

// ReadBackForTest makes im project every file's groups from the store, as
// a file that shares days with another one is: the check that the spool
// path (projectSpooled) stores the same as the path it saves.
func ReadBackForTest(im *Importer) { im.readBack = true }
