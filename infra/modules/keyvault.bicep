// Key Vault (RBAC mode) for the app's secrets: the approval-link signing key, the Teams webhook URL when one is
// given (a webhook URL lets anyone post to the channel, so it is a credential) and the SMTP password when one is
// given. The app reads them through Key Vault references resolved with its user-assigned identity, which may read
// these secrets and nothing else.

@description('Name of the key vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@secure()
@description('HMAC key of the approval links. Writing a different value rotates it: links already sent stop working.')
param approvalSigningKey string

@secure()
@description('Teams incoming-webhook URL; empty for none (no secret is written).')
param teamsWebhookUrl string

@secure()
@description('SMTP password; empty for none (no secret is written).')
param smtpPassword string

@description('Name of the function app\'s user-assigned identity (gets Key Vault Secrets User on each secret).')
param appIdentityName string

@description('Object id of the deploying user or principal; empty for none. Gets Key Vault Secrets User on the vault, so that azd can read the current signing key back (and keep it) on the next provision.')
param userPrincipalId string

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKey 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'approval-signing-key'
  properties: {
    value: approvalSigningKey
    contentType: 'text/plain'
  }
}

resource teamsWebhook 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(teamsWebhookUrl)) {
  parent: vault
  name: 'teams-webhook-url'
  properties: {
    value: teamsWebhookUrl
    contentType: 'text/plain'
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'smtp-password'
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

resource appReadsSigningKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signingKey.id, appIdentity.id, secretsUser)
  scope: signingKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appReadsTeamsWebhook 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(teamsWebhookUrl)) {
  name: guid(vault.id, 'teams-webhook-url', appIdentity.id, secretsUser)
  scope: teamsWebhook
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appReadsSmtpPassword 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(smtpPassword)) {
  name: guid(vault.id, 'smtp-password', appIdentity.id, secretsUser)
  scope: smtpPasswordSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource userReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(vault.id, userPrincipalId, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: userPrincipalId
  }
}

output name string = vault.name
// App Service Key Vault references: the versionless URI always resolves to the secret's current version.
output signingKeyReference string = '@Microsoft.KeyVault(SecretUri=${signingKey.properties.secretUri})'
// The secret exists only when a webhook URL was given; the caller decides whether to use this reference.
output teamsWebhookReference string = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/teams-webhook-url)'
// The SMTP password's reference (named so the linter does not take the reference for the password). The secret
// exists only when a password was given; the caller decides whether to use this reference.
output smtpSignInReference string = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/smtp-password)'
