// Package fuzzytest makes the synthetic catalogs that the filter's tests and benchmarks
// search, in package fuzzy and in the source list that uses it: the same names for both,
// so that their figures compare.
package fuzzytest

import (
	"fmt"
	"math/rand/v2"
)

// Source is what the filter reads of a catalog's source.
type Source struct {
	Name     string
	Category string
	Aliases  []string
}

// Realistic vendor names (a few with non-ASCII letters), environment suffixes and former
// names used as aliases.
var (
	vendors = []string{
		"Snowflake", "Stripe", "Slack", "Salesforce", "Shopify", "Segment", "SendGrid", "Sentry",
		"Square", "Squarespace Commerce", "Sprout Sociál", "Snapchat Ads", "Spotify Ads", "Sprinklr",
		"Datadog", "Twilio", "Mailchimp", "HubSpot", "Zendesk", "Intercom", "Amplitude", "Mixpanel",
		"Braze", "Klaviyo", "Algolia", "Auth0", "Okta", "GitHub", "GitLab", "Bitbucket", "Atlassian",
		"Asana", "Notion", "Airtable", "Contentful", "Cloudflare", "Fastly", "Akamai", "Heroku",
		"Netlify", "Vercel", "DigitalOcean", "Linode", "PagerDuty", "Opsgenie", "New Relic",
		"Dynatrace", "Grafana Cloud", "Elastic Cloud", "MongoDB Atlas", "Redis Cloud", "Supabase",
		"Firebase", "PlanetScale", "Confluent", "Databricks", "BigQuery", "Fivetran", "Airbyte",
		"dbt Cloud", "Looker", "Tableau", "Power BI", "Metabase", "Census", "Hightouch",
		"RudderStack", "Snowplow", "Heap", "FullStory", "Hotjar", "LaunchDarkly", "Optimizely",
		"Statsig", "Postmark", "Mailgun", "SparkPost", "Brevo", "Customer.io", "Iterable",
		"OneSignal", "Pusher", "Mapbox", "Plaid", "Adyen", "Braintree", "PayPal", "Klarna",
		"Chargebee", "Recurly", "Paddle", "QuickBooks", "Xero", "NetSuite", "Workday", "BambooHR",
		"Gusto", "Rippling", "DocuSign", "Dropbox", "Zoom", "Calendly", "Typeform", "SurveyMonkey",
		"Qualtrics", "Trustpilot", "Yotpo", "Gorgias", "Freshdesk", "ServiceNow", "Monday.com",
		"ClickUp", "Linear", "Figma", "Miro", "Canva", "Adobe Analytics", "Google Ads", "Meta Ads",
		"LinkedIn Ads", "TikTok Ads", "Pinterest Ads", "Reddit Ads", "Criteo", "Taboola",
		"Outbrain", "The Trade Desk", "AppsFlyer", "Adjust", "Branch", "Kochava", "Singular",
		"ActiveCampaign", "Awin", "Impact", "Partnerize", "Rakuten Advertising", "CJ Affiliate",
		"Matomo", "Piwik PRO", "Plausible", "PrestaShop", "Shopware", "WooCommerce", "BigCommerce",
		"Zürich Insights", "Škoda Connect", "Société Analytics", "Ωmega Metrics",
	}
	suffixes = []string{
		"", "", "", "EU", "US", "APAC", "Staging", "Production", "Sandbox", "Marketing", "Data",
		"Finance", "Partner", "Legacy", "Analytics", "Payments", "Ops", "Growth", "Support",
	}
	formerNames = []string{
		"Sendinblue", "Piwik", "LinkShare", "Commission Junction", "AT Internet", "Magento",
		"Performance Horizon", "Haiilo", "PriceSpy", "AppLovin", "Stitch Data", "Keen IO",
		"Mandrill", "Parse", "Segment Sources", "Heroku Connect", "Zapier Legacy", "Señal",
	}
	categoryNames = []string{"Analytics", "Advertising", "E-commerce", "Payments", "Email", "Infrastructure"}
)

// Sources returns n sources with realistic names: a vendor, often an environment or team
// suffix and, beyond the first few hundred, an account number that keeps names
// distinct. About one source in four has an alias. The same n gives the same sources.
func Sources(n int) []Source {
	r := rand.New(rand.NewPCG(2026, uint64(n)))
	srcs := make([]Source, n)
	for i := range srcs {
		name := vendors[r.IntN(len(vendors))]
		if s := suffixes[r.IntN(len(suffixes))]; s != "" {
			name += " " + s
		}
		if n > 500 {
			name += fmt.Sprintf(" %d", 1000+r.IntN(9000))
		}
		src := Source{Name: name, Category: categoryNames[r.IntN(len(categoryNames))]}
		if r.IntN(4) == 0 {
			src.Aliases = []string{formerNames[r.IntN(len(formerNames))]}
		}
		srcs[i] = src
	}
	return srcs
}

// Text is the names and aliases of srcs, as fuzzy.New takes them, and their categories.
func Text(srcs []Source) (names []string, aliases [][]string, categories []string) {
	names, aliases, categories = make([]string, len(srcs)), make([][]string, len(srcs)), make([]string, len(srcs))
	for i, s := range srcs {
		names[i], aliases[i], categories[i] = s.Name, s.Aliases, s.Category
	}
	return names, aliases, categories
}
