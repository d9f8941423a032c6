namespace Steadfast.Actors.Storage;

/// <summary>The journal file is missing, foreign, corrupt or cannot be opened.</summary>
public sealed class JournalFileException(string message, Exception? inner = null) : Exception(message, inner);
