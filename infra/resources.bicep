// Everything the function app needs, in one resource group. main.bicep (azd, subscription scope) creates the group
// and calls this; `az deployment group create --template-file infra/resources.bicep` deploys it into an existing one.

@minLength(1)
@maxLength(64)
@description('Environment name (azd: AZURE_ENV_NAME); part of the resource-name token and the azd-env-name tag.')
param environmentName string

@description('Azure region of every resource (must offer Flex Consumption).')
param location string = resourceGroup().location

@description('Object id of the deploying user or principal, granted the data roles for local debugging; empty for none.')
param principalId string = ''

@secure()
@description('HMAC key of approval links. The default is random, so a deployment that does not pass the current key rotates it (links already sent stop working): see docs/deploy.md.')
param approvalSigningKey string = '${newGuid()}${newGuid()}'

@secure()
@description('Teams incoming-webhook URL for the plan-proposed card; empty for none. Stored in Key Vault.')
param teamsWebhookUrl string = ''

@description('Cosmos DB capacity: serverless (default) or provisioned (shared autoscale throughput).')
@allowed(['serverless', 'provisioned'])
param cosmosThroughputMode string = 'serverless'

@description('Autoscale maximum RU/s of the database when cosmosThroughputMode is provisioned.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('NCRONTAB (6 fields, UTC) of scheduled runs (Rebalancing__Schedule).')
param schedule string = '0 0 2 * * *'

@description('Whether scheduled runs are on (Rebalancing__ScheduleEnabled).')
param scheduleEnabled bool = true

@description('NCRONTAB (6 fields, UTC) of the incoming/ sweep (Rebalancing__PickupSchedule).')
param pickupSchedule string = '0 */5 * * * *'

@description('Sender address of notification emails (Rebalancing__Notifications__From); empty for rebalancing@{app host name}.')
param notificationsFrom string = ''

@description('SMTP server for approval emails (Rebalancing__Notifications__SmtpHost); empty for none (emails are then .eml files on an instance\'s disk, which nobody reads: set one in production).')
param smtpHost string = ''

@description('SMTP port (587: submission with STARTTLS).')
param smtpPort int = 587

@description('Whether to use TLS (STARTTLS) with the SMTP server.')
param smtpEnableSsl bool = true

@description('SMTP user name; empty to send without authentication.')
param smtpUser string = ''

@secure()
@description('SMTP password; empty for none. Stored in Key Vault.')
param smtpPassword string = ''

@description('Flex Consumption instance memory (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to (a cost ceiling).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

var token = toLower(uniqueString(resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var databaseName = 'rebalancing'
var topicName = 'rebalancing-events'

// The one identity the app runs as (host, Durable Functions, the app's clients, Key Vault references). Its roles
// are granted in each module, beside the resource they cover.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-rebal-${token}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-rebal-${token}'
    applicationInsightsName: 'appi-rebal-${token}'
    location: location
    tags: tags
    appIdentityName: identity.name
    userPrincipalId: principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'strebal${token}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    appIdentityName: identity.name
    userPrincipalId: principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: 'cosmos-rebal-${token}'
    location: location
    tags: tags
    databaseName: databaseName
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    appIdentityName: identity.name
    userPrincipalId: principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: 'sb-rebal-${token}'
    location: location
    tags: tags
    topicName: topicName
    // Long enough to cover a redelivered outbox dispatch after an outage, not only a quick retry.
    duplicateDetectionWindow: 'P1D'
    appIdentityName: identity.name
    userPrincipalId: principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-rebal-${token}'
    location: location
    tags: tags
    approvalSigningKey: approvalSigningKey
    teamsWebhookUrl: teamsWebhookUrl
    smtpPassword: smtpPassword
    appIdentityName: identity.name
    userPrincipalId: principalId
  }
}

// Its inputs are the other modules' outputs, so it is deployed after them, role assignments included.
module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    planName: 'plan-rebal-${token}'
    appName: 'func-rebal-${token}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    databaseName: cosmos.outputs.databaseName
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusTopic: serviceBus.outputs.topicName
    approvalSigningKeyReference: keyVault.outputs.signingKeyReference
    teamsWebhookReference: empty(teamsWebhookUrl) ? '' : keyVault.outputs.teamsWebhookReference
    schedule: schedule
    scheduleEnabled: scheduleEnabled
    pickupSchedule: pickupSchedule
    notificationsFrom: notificationsFrom
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpEnableSsl: smtpEnableSsl
    smtpUser: smtpUser
    smtpSignInReference: empty(smtpPassword) ? '' : keyVault.outputs.smtpSignInReference
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_SERVICEBUS_TOPIC string = serviceBus.outputs.topicName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
