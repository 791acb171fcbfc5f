// The 28 command categories, in the order `help` and the README list them. A command's
// `category` is one of these ids, and its file lives in `commands/<id>/`.

export const CATEGORIES = [
  { id: 'system-information', title: 'System Information', order: 1 },
  { id: 'filesystems', title: 'Filesystems', order: 2 },
  { id: 'file-operations', title: 'File Operations', order: 3 },
  { id: 'file-management', title: 'File Management', order: 4 },
  { id: 'package-management', title: 'Package Management', order: 5 },
  { id: 'system-inspection', title: 'System Inspection', order: 6 },
  { id: 'user-management', title: 'User Management', order: 7 },
  { id: 'ssh-key-management', title: 'SSH Key Management', order: 8 },
  { id: 'system-configuration', title: 'System Configuration', order: 9 },
  { id: 'service-management', title: 'Service Management', order: 10 },
  { id: 'firewall-management', title: 'Firewall Management', order: 11 },
  { id: 'scheduled-tasks', title: 'Cron/Scheduled Tasks', order: 12 },
  { id: 'system-cleanup', title: 'System Cleanup', order: 13 },
  { id: 'backup-safety', title: 'Backup & Safety', order: 14 },
  { id: 'boot-configuration', title: 'Boot Configuration', order: 15 },
  { id: 'network-configuration', title: 'Network Configuration', order: 16 },
  { id: 'process-management', title: 'Process Management', order: 17 },
  { id: 'security-audit', title: 'Security & Audit', order: 18 },
  { id: 'database-operations', title: 'Database Operations', order: 19 },
  { id: 'advanced-file-operations', title: 'Advanced File Operations', order: 20 },
  { id: 'git-operations', title: 'Git Operations', order: 21 },
  { id: 'performance-tuning', title: 'Performance Tuning', order: 22 },
  { id: 'setup-wizards', title: 'Quick Setup Wizards', order: 23 },
  { id: 'monitoring', title: 'Monitoring & Metrics', order: 24 },
  { id: 'selinux-advanced', title: 'SELinux Advanced', order: 25 },
  { id: 'templates', title: 'Templates', order: 26 },
  { id: 'ai-assistant', title: 'AI Assistant', order: 27 },
  { id: 'shell', title: 'Shell', order: 28 },
] as const;

export type Category = (typeof CATEGORIES)[number];
export type CategoryId = Category['id'];

const BY_ID = new Map<string, Category>(CATEGORIES.map((c) => [c.id, c]));

export function category(id: CategoryId): Category {
  const c = BY_ID.get(id);
  if (!c) throw new Error(`internal: unknown category ${id}`);
  return c;
}
