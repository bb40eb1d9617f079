#!/bin/bash
# ApplicationStop: runs the previous revision's copy of this script. The instance is already out
# of the load balancer (BlockTraffic), so stopping the server drops no request.
set -euo pipefail
if systemctl list-unit-files httpd.service > /dev/null 2>&1; then
  systemctl stop httpd
fi
