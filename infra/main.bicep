// azd entry point (`azd up`): creates the resource group rg-{environmentName} and deploys resources.bicep into it.
// Plain ARM alternative: `az deployment sub create --location LOC --template-file infra/main.bicep ...`, or
// `az deployment group create --template-file infra/resources.bicep` into an existing group (docs/deploy.md).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Environment name (azd: AZURE_ENV_NAME): names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create or update; empty for rg-{environmentName}.')
param resourceGroupName string = ''

@description('Object id of the deploying user or principal (azd: AZURE_PRINCIPAL_ID), granted the data roles for local debugging; empty for none.')
param principalId string = ''

@secure()
@description('HMAC key of approval links. azd passes the vault\'s current key back (main.parameters.json), so provisioning again keeps it; the default is random, so a plain deployment that does not pass it rotates the key.')
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

@description('NCRONTAB (6 fields, UTC) of scheduled runs.')
param schedule string = '0 0 2 * * *'

@description('Whether scheduled runs are on.')
param scheduleEnabled bool = true

@description('NCRONTAB (6 fields, UTC) of the incoming/ sweep.')
param pickupSchedule string = '0 */5 * * * *'

@description('Sender address of notification emails; empty for rebalancing@{app host name}.')
param notificationsFrom string = ''

@description('SMTP server for approval emails; empty for none (emails are then .eml files on an instance\'s disk, which nobody reads: set one in production).')
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

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: { 'azd-env-name': environmentName }
}

module resources 'resources.bicep' = {
  name: 'rebalancing-resources'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
    principalId: principalId
    approvalSigningKey: approvalSigningKey
    teamsWebhookUrl: teamsWebhookUrl
    cosmosThroughputMode: cosmosThroughputMode
    cosmosAutoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    schedule: schedule
    scheduleEnabled: scheduleEnabled
    pickupSchedule: pickupSchedule
    notificationsFrom: notificationsFrom
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpEnableSsl: smtpEnableSsl
    smtpUser: smtpUser
    smtpPassword: smtpPassword
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
}

// azd stores these in the environment (.azure/{env}/.env); a deployment step reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.AZURE_FUNCTION_APP_NAME
output AZURE_FUNCTION_APP_URL string = resources.outputs.AZURE_FUNCTION_APP_URL
output SERVICE_API_NAME string = resources.outputs.AZURE_FUNCTION_APP_NAME
output SERVICE_API_URI string = resources.outputs.AZURE_FUNCTION_APP_URL
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.AZURE_STORAGE_ACCOUNT_NAME
output AZURE_STORAGE_BLOB_ENDPOINT string = resources.outputs.AZURE_STORAGE_BLOB_ENDPOINT
output AZURE_STORAGE_QUEUE_ENDPOINT string = resources.outputs.AZURE_STORAGE_QUEUE_ENDPOINT
output AZURE_COSMOS_ENDPOINT string = resources.outputs.AZURE_COSMOS_ENDPOINT
output AZURE_COSMOS_DATABASE string = resources.outputs.AZURE_COSMOS_DATABASE
output AZURE_SERVICEBUS_NAMESPACE string = resources.outputs.AZURE_SERVICEBUS_NAMESPACE
output AZURE_SERVICEBUS_TOPIC string = resources.outputs.AZURE_SERVICEBUS_TOPIC
output AZURE_KEY_VAULT_NAME string = resources.outputs.AZURE_KEY_VAULT_NAME
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = resources.outputs.AZURE_MANAGED_IDENTITY_CLIENT_ID
output APPLICATIONINSIGHTS_NAME string = resources.outputs.APPLICATIONINSIGHTS_NAME
