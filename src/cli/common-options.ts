import type { CliOptionSpec } from './spec.js';

// Options every subcommand takes the same way.

export const jsonOption = { type: 'boolean', description: 'print JSON on stdout (one value), nothing else' } as const satisfies CliOptionSpec;
export const noColorOption = { type: 'boolean', description: 'no colours (also: NO_COLOR, or output that is not a terminal)', listOnly: true } as const satisfies CliOptionSpec;
export const debugOption = { type: 'boolean', description: 'print the stack trace of an error', listOnly: true } as const satisfies CliOptionSpec;
export const connectOption = {
  type: 'string',
  valueName: 'URI',
  description: 'the libvirt URI (default: $LIBVIRT_URI, $LIBVIRT_DEFAULT_URI, then virsh\'s default)',
} as const satisfies CliOptionSpec;
export const domainOption = { type: 'string', valueName: 'NAME', description: 'a running libvirt domain, through its guest agent' } as const satisfies CliOptionSpec;
export const agentSocketOption = {
  type: 'string',
  valueName: 'PATH',
  description: "a running VM through its guest agent's UNIX socket (plain QEMU)",
} as const satisfies CliOptionSpec;
