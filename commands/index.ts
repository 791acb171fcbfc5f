import { Registry, type Plugin } from '../src/shell/registry.js';
import systemInformation from './system-information/index.js';
import filesystems from './filesystems/index.js';
import fileOperations from './file-operations/index.js';
import fileManagement from './file-management/index.js';
import packageManagement from './package-management/index.js';
import systemInspection from './system-inspection/index.js';
import userManagement from './user-management/index.js';
import sshKeyManagement from './ssh-key-management/index.js';
import systemConfiguration from './system-configuration/index.js';
import serviceManagement from './service-management/index.js';
import firewallManagement from './firewall-management/index.js';
import scheduledTasks from './scheduled-tasks/index.js';
import processManagement from './process-management/index.js';
import securityAudit from './security-audit/index.js';
import monitoring from './monitoring/index.js';
import shell from './shell/index.js';
import bootConfiguration from './boot-configuration/index.js';
import performanceTuning from './performance-tuning/index.js';
import networkConfiguration from './network-configuration/index.js';
import selinuxAdvanced from './selinux-advanced/index.js';
import backupSafety from './backup-safety/index.js';
import systemCleanup from './system-cleanup/index.js';
import advancedFileOperations from './advanced-file-operations/index.js';
import gitOperations from './git-operations/index.js';
import databaseOperations from './database-operations/index.js';
import templates from './templates/index.js';
import aiAssistant from './ai-assistant/index.js';
import setupWizards from '../wizards/index.js';

// One plugin per category folder; the registry orders them as src/shell/categories.ts does.
export const plugins: Plugin[] = [
  systemInformation,
  filesystems,
  fileOperations,
  fileManagement,
  packageManagement,
  systemInspection,
  userManagement,
  sshKeyManagement,
  systemConfiguration,
  serviceManagement,
  firewallManagement,
  scheduledTasks,
  processManagement,
  securityAudit,
  monitoring,
  shell,
  bootConfiguration,
  performanceTuning,
  networkConfiguration,
  selinuxAdvanced,
  backupSafety,
  systemCleanup,
  advancedFileOperations,
  gitOperations,
  databaseOperations,
  templates,
  aiAssistant,
  setupWizards,
];

export function loadRegistry(): Registry {
  return new Registry(plugins);
}
