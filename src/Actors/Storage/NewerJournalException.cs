namespace Steadfast.Actors.Storage;

/// <summary>The journal carries a format marker higher than this version's <see cref="JournalFile.FormatVersion"/>.</summary>
public sealed class NewerJournalException(string message) : Exception(message);
