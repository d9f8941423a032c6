namespace Steadfast.Actors;
