import { Logger } from '@nestjs/common';

// Adapters built outside a Nest app log through Nest's default console logger, which prints
// debug lines; a passing run should print its summary only. An app under test installs its
// own logger (JsonLogger at 'error'), which replaces this.
Logger.overrideLogger(['error']);
