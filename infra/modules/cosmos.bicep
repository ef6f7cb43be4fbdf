// Cosmos DB for NoSQL: the run documents, the per-org claims and leases, and the transfer ledger.
// Serverless by default (billed per request unit and stored GB, nothing at rest beyond storage);
// 'provisioned' gives the database shared autoscale throughput instead. Keys are disabled: the app and the
// deploying user reach the data plane with Microsoft Entra ID through a SQL role assignment.

@description('Name of the Cosmos DB account (3-44 lowercase letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the database the app uses (Rebalancing__Azure__Database).')
param databaseName string

@description('serverless (default: pay per request) or provisioned (shared autoscale throughput on the database).')
@allowed(['serverless', 'provisioned'])
param throughputMode string

@description('Autoscale maximum RU/s of the database when throughputMode is provisioned (1000 scales between 100 and 1000).')
@minValue(1000)
param autoscaleMaxThroughput int

@description('Name of the function app\'s user-assigned identity.')
param appIdentityName string

@description('Object id of the deploying user or principal; empty for none. Gets the same data role, for local debugging.')
param userPrincipalId string

// runs: a run's documents (pk = run id); orgs: active-run claims and leases (pk = org id);
// ledger: one transfer order per applied move and the applied totals (pk = org id).
var containerNames = ['runs', 'orgs', 'ledger']

// Cosmos DB Built-in Data Contributor (data plane: read, write, query documents; no account or container management).
var dataContributor = '00000000-0000-0000-0000-000000000002'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: throughputMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2026-03-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: throughputMode == 'provisioned' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2026-03-15' = [
  for containerName in containerNames: {
    parent: database
    name: containerName
    properties: {
      resource: {
        id: containerName
        partitionKey: {
          paths: ['/pk']
          kind: 'Hash'
          version: 2
        }
      }
    }
  }
]

// Scoped to the database, not the account: the identity can reach these containers and nothing else.
resource appData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, appIdentity.id, dataContributor)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributor}'
    principalId: appIdentity.properties.principalId
    scope: '${account.id}/dbs/${databaseName}'
  }
  dependsOn: [database]
}

resource userData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = if (!empty(userPrincipalId)) {
  parent: account
  name: guid(account.id, userPrincipalId, dataContributor)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributor}'
    principalId: userPrincipalId
    scope: '${account.id}/dbs/${databaseName}'
  }
  // One role assignment at a time: the account refuses concurrent writes of its role assignments.
  dependsOn: [database, appData]
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
