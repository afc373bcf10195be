export { runPersistedTurn, type TurnRequest } from './persisted-turn.js';
export { runWeatherConversation, type WeatherConversation } from './weather-conversation.js';
export { weatherAgent, WEATHER_AGENT } from './weather-agent-plugin.js';
