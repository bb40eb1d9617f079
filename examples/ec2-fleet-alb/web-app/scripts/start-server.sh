#!/bin/bash
# ApplicationStart: serve the files CodeDeploy just copied to /var/www/html.
set -euo pipefail
systemctl enable httpd
systemctl restart httpd
