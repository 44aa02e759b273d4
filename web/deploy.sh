#!/usr/bin/env bash
# Deploys the web page of a stack made from template.yaml: bundles web/, writes config.json from the stack's outputs
# (API, sign-in domain, app client), uploads the files to the stack's private bucket with their caching (hashed
# assets a year, index.html and config.json revalidated), and invalidates CloudFront. Needs the AWS CLI (v2), Node.js
# 20+ and npm. Usage: web/deploy.sh STACK_NAME   (region and credentials as the AWS CLI finds them)
set -euo pipefail
stack=${1:?usage: web/deploy.sh STACK_NAME}
web=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs' --output json > "$work/outputs.json"
output() { node "$web/tools/config.mjs" --output "$1" < "$work/outputs.json"; }
bucket=$(output WebBucketName)
distribution=$(output WebDistributionId)
site=$(output WebUrl)

(cd "$web" && node tools/install.mjs && node build.mjs --outdir "$work/site")
node "$web/tools/config.mjs" < "$work/outputs.json" > "$work/site/config.json"

# Assets first (new names), then the page that names them, then the old assets go.
aws s3 cp "$work/site/assets" "s3://$bucket/assets" --recursive --only-show-errors \
  --cache-control 'public, max-age=31536000, immutable'
aws s3 cp "$work/site/index.html" "s3://$bucket/index.html" --only-show-errors \
  --cache-control 'no-cache' --content-type 'text/html; charset=utf-8'
aws s3 cp "$work/site/config.json" "s3://$bucket/config.json" --only-show-errors \
  --cache-control 'no-cache' --content-type 'application/json'
aws s3 sync "$work/site/assets" "s3://$bucket/assets" --delete --only-show-errors \
  --cache-control 'public, max-age=31536000, immutable'
aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' --query 'Invalidation.Id' --output text

echo "web: deployed; open $site (sign in with a user of the stack's user pool)"
