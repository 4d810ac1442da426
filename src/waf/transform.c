#include "waf/transform.h"
