/** AWS Lambda limits checked at synth time, each with its source. */

/**
 * Provisioned concurrency of an alias.
 *
 * Sources: Lambda API reference, PutProvisionedConcurrencyConfig
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html):
 * ProvisionedConcurrentExecutions "Valid Range: Minimum value of 1", and
 * AllocatedProvisionedConcurrentExecutions "When a weighted alias is used during linear and canary
 * deployments, this value fluctuates depending on the amount of concurrency that is provisioned for
 * the function versions". Lambda Developer Guide, "Configuring provisioned concurrency"
 * (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html; the text quoted is
 * that of awsdocs/aws-lambda-developer-guide, doc_source/provisioned-concurrency.md): "You can't
 * allocate more provisioned concurrency than reserved concurrency for a function"; "Two aliases
 * can't allocate provisioned concurrency for the same version"; "If you change the version that
 * an alias points to, Lambda deallocates the provisioned concurrency from the old version and
 * allocates it to the new version ... you can't manage provisioned concurrency settings on the
 * alias while the routing configuration is in place". Lambda Developer Guide, "Improving startup
 * performance with Lambda SnapStart" (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html):
 * "SnapStart does not support provisioned concurrency".
 */
export const PROVISIONED_CONCURRENCY = { min: 1 } as const;

/**
 * The longest a Lambda invocation can run: 900 seconds (Lambda Developer Guide, "Lambda quotas",
 * Function timeout, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 * A duration threshold above it can never be reached.
 */
export const LAMBDA_MAX_DURATION_MILLIS = 900_000;
