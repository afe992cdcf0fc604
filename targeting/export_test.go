package targeting

// EstimateScan exposes the reference estimate to the package's tests.
var EstimateScan = (*Service).estimateScan
