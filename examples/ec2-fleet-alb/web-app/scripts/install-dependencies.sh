#!/bin/bash
# BeforeInstall: the packages the site needs, before CodeDeploy copies its files.
set -euo pipefail
dnf install -y httpd
