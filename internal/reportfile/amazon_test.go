package reportfile_test

import (
	"github.com/affsync/affsync/internal/network/amazon/files"
	. "github.com/affsync/affsync/internal/reportfile"
)

// amazon is the network whose report files the fixtures here are: the
// reader is tested on real flavours of reports, read with Amazon's tables
// (a leaf package that does not import this one).
var amazon Reports = files.Reports{}
