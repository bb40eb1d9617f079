#!/bin/bash
# ValidateService: the new release answers locally before CodeDeploy puts the instance back in the
# load balancer (AllowTraffic). A failure here fails the deployment on this instance, and its
# output is the log tail the stack's error message shows.
set -euo pipefail
for attempt in 1 2 3 4 5; do
  if curl --fail --silent --show-error http://localhost/ | grep --quiet 'Deployed by CodeDeploy'; then
    exit 0
  fi
  echo "attempt ${attempt}: the site does not answer with the new release yet"
  sleep 3
done
echo "the site did not answer with the new release" >&2
exit 1
