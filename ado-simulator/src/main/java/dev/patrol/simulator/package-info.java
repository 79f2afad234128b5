/**
 * An Azure DevOps simulator: a real HTTP server speaking the documented audit log, Graph users and tokenadmin
 * endpoints over a seeded, generated organization, with ground truth for tests and faults on demand.
 *
 * <p>Public API: {@link dev.patrol.simulator.AdoSimulator}, {@link dev.patrol.simulator.SimulatorConfig},
 * {@link dev.patrol.simulator.SimulatedOrg} and its records, {@link dev.patrol.simulator.Faults} and
 * {@link dev.patrol.simulator.Main}. Everything else is package-private. The module deliberately does not depend on
 * PATrol's model: it writes ADO's JSON by the documented field names itself, so a field-name mistake in the client
 * cannot hide behind a class both sides share.
 */
package dev.patrol.simulator;
