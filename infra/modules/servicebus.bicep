// Service Bus: the run and snapshot events leave the app on the topic 'rebalancing-events' (CloudEvents bodies,
// MessageId = event id). Duplicate detection drops the copies the outbox's at-least-once dispatch can send.
// Standard tier: topics need it. Local (SAS key) authentication is off.

@description('Name of the Service Bus namespace.')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Topic the app publishes events to (Rebalancing__Notifications__ServiceBus__Topic).')
param topicName string

@description('How long the topic remembers message ids for duplicate detection (ISO 8601 duration, at most 7 days).')
param duplicateDetectionWindow string

@description('Name of the function app\'s user-assigned identity (gets Data Sender on the topic only).')
param appIdentityName string

@description('Object id of the deploying user or principal; empty for none. Gets Data Sender and Data Receiver on the namespace, to publish and read events while debugging.')
param userPrincipalId string

var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var dataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P14D'
    supportOrdering: true
  }
}

// Every event, for a consumer to start from; add filtered subscriptions (SQL filters on the subject) as needed.
resource allEvents 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = {
  parent: topic
  name: 'all'
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}

resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, appIdentity.id, dataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource userRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [dataSender, dataReceiver]: if (!empty(userPrincipalId)) {
    name: guid(namespace.id, userPrincipalId, role)
    scope: namespace
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: userPrincipalId
    }
  }
]

output name string = namespace.name
// serviceBusEndpoint is https://{name}.servicebus.windows.net:443/; the SDK wants the bare host name.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output topicName string = topic.name
