// Evaluates a batch of IAM requests with @cloud-copilot/iam-simulate (AWS's evaluation logic).
//
// stdin: a JSON array of requests
//   { principal, action, resource, resourceAccount,
//     identityPolicies: [{name, policy}], resourcePolicy?,   // bucket, key or trust policy
//     context: {key: value},          // validated per action: keys the action does not support are reported
//     sessionContext?: {key: value} } // keys the service sets on the role session (e.g. sagemaker:DomainId);
//                                     // no action lists them, so strict validation would drop them
// stdout: a JSON array, one entry per request, in order:
//   { decision: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied", decidedBy: ["identity:<policy>#<sid>", ...],
//     ignoredContextKeys: [...] }  or  { error: "<message>", details }
import { getDenialReasons, getGrantReasons, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

function simulationOf(request, context) {
  return {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: context
    },
    identityPolicies: request.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy ?? undefined
  }
}

function describe(reason) {
  const where = reason.policyIdentifier ?? reason.identifier ?? ''
  const statement = reason.statementId ?? (reason.statementIndex !== undefined ? `#${reason.statementIndex}` : '')
  return `${reason.policyType}:${where}${statement ? '#' + statement : ''}`
}

async function evaluate(request) {
  const response = await runSimulation(simulationOf(request, request.context ?? {}), { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { error: response.errors.message, details: response.errors }
  }
  if (response.resultType !== 'single') {
    return { error: 'resource ARNs must be concrete (no wildcard)', details: response.resultType }
  }
  const { analysis, ignoredContextKeys } = response.result
  const session = request.sessionContext ?? {}
  if (Object.keys(session).length === 0) {
    const reasons = analysis.result === 'Allowed' ? getGrantReasons(analysis) : getDenialReasons(analysis)
    return { decision: analysis.result, decidedBy: reasons.map(describe), ignoredContextKeys }
  }
  // Same request, the validated context plus the session keys; the unsafe engine skips only validation.
  const validated = Object.fromEntries(
    Object.entries(request.context ?? {}).filter(([key]) => !ignoredContextKeys.includes(key))
  )
  const decision = runUnsafeSimulation(simulationOf(request, { ...validated, ...session }), { simulationMode: 'Strict' })
  return { decision, decidedBy: [], ignoredContextKeys }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const results = []
for (const request of requests) results.push(await evaluate(request))
process.stdout.write(JSON.stringify(results))
