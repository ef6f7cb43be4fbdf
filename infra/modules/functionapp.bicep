// The function app on the Flex Consumption plan (Linux, .NET isolated worker), deployed from a blob container, with
// every app setting the app reads. No setting holds a key or a connection string: the host and the app reach
// storage, Cosmos DB, Service Bus and Application Insights with the user-assigned identity, and the two secrets
// are Key Vault references resolved with that identity (keyVaultReferenceIdentity).
//
// On Flex Consumption the worker runtime and its version are functionAppConfig.runtime, not app settings: the
// platform refuses FUNCTIONS_WORKER_RUNTIME, and FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are
// deprecated there (docs/deploy.md).

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (its default host name starts with it).')
param appName string

@description('Azure region (must offer Flex Consumption).')
param location string

@description('Tags for every resource; the app also gets azd-service-name.')
param tags object

@description('azd service name in azure.yaml; azd deploy finds the app by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Storage account of AzureWebJobsStorage, Durable Functions and the app\'s blobs and queues.')
param storageAccountName string

@description('Blob endpoint of that account (https://{account}.blob.../).')
param blobEndpoint string

@description('Queue endpoint of that account (https://{account}.queue.../).')
param queueEndpoint string

@description('URL of the blob container the app package is deployed to.')
param deploymentContainerUrl string

@description('Application Insights connection string (not a secret: ingestion is authenticated with the identity).')
param applicationInsightsConnectionString string

@description('Cosmos DB account endpoint.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param databaseName string

@description('Service Bus namespace host name ({name}.servicebus.windows.net).')
param serviceBusNamespace string

@description('Service Bus topic the app publishes events to.')
param serviceBusTopic string

@description('Key Vault reference of the approval-link signing key.')
param approvalSigningKeyReference string

@description('Key Vault reference of the Teams webhook URL, or empty when there is none.')
param teamsWebhookReference string

@description('SMTP server of approval emails; empty for none.')
param smtpHost string

@description('SMTP port.')
param smtpPort int

@description('Whether to use TLS (STARTTLS) with the SMTP server.')
param smtpEnableSsl bool

@description('SMTP user name; empty for none.')
param smtpUser string

@description('Key Vault reference of the SMTP password, or empty when there is none.')
param smtpSignInReference string

@description('NCRONTAB (6 fields, UTC) of scheduled runs.')
param schedule string

@description('Whether scheduled runs are on.')
param scheduleEnabled bool

@description('NCRONTAB (6 fields, UTC) of the sweep of incoming/ into the ingestion queue.')
param pickupSchedule string

@description('Sender address of notification emails; empty for rebalancing@{the app\'s host name}.')
param notificationsFrom string

@description('Flex Consumption instance memory (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Most instances the app scales out to (a cost ceiling).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        // No always-ready instances: nothing runs (or is billed) while the app is idle.
        alwaysReady: []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Every key the app reads, named as in local.settings.sample.json's Values (tests/Rebalancing.Infra.Tests holds the
// two lists together; docs/deploy.md explains the local-only keys and their Azure counterparts).
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // Functions host and Durable Functions (storageProvider.connectionName = AzureWebJobsStorage): identity-based.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The app's storage, Cosmos DB and identity.
    Rebalancing__Storage: 'azure'
    Rebalancing__Azure__BlobEndpoint: blobEndpoint
    Rebalancing__Azure__QueueEndpoint: queueEndpoint
    Rebalancing__Azure__CosmosEndpoint: cosmosEndpoint
    Rebalancing__Azure__Database: databaseName
    Rebalancing__Azure__ManagedIdentityClientId: identityClientId
    // Approval links.
    Rebalancing__ApprovalSigningKey: approvalSigningKeyReference
    Rebalancing__PublicBaseUrl: 'https://${app.properties.defaultHostName}'
    // Schedules.
    Rebalancing__Schedule: schedule
    Rebalancing__ScheduleEnabled: scheduleEnabled ? 'true' : 'false'
    Rebalancing__PickupSchedule: pickupSchedule
    // Events and notifications.
    Rebalancing__Notifications__ServiceBus__FullyQualifiedNamespace: serviceBusNamespace
    Rebalancing__Notifications__ServiceBus__Topic: serviceBusTopic
    Rebalancing__Notifications__TeamsWebhookUrl: teamsWebhookReference
    Rebalancing__Notifications__From: empty(notificationsFrom)
      ? 'rebalancing@${app.properties.defaultHostName}'
      : notificationsFrom
    Rebalancing__Notifications__SmtpHost: smtpHost
    Rebalancing__Notifications__SmtpPort: string(smtpPort)
    Rebalancing__Notifications__SmtpEnableSsl: smtpEnableSsl ? 'true' : 'false'
    Rebalancing__Notifications__SmtpUser: smtpUser
    Rebalancing__Notifications__SmtpPassword: smtpSignInReference
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output url string = 'https://${app.properties.defaultHostName}'
