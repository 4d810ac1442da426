/* Moved to src/base/scan.h; kept so detector files in progress still build. */
#include "base/scan.h"
