package stacks

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name      string
		stage     string
		overrides string
		account   string
		region    string
		wantErr   string
		check     func(t *testing.T, c StageConfig)
	}{
		{name: "dev is cheap", stage: "dev", check: func(t *testing.T, c StageConfig) {
			if c.RetainData || c.TerminationProtection || c.OpenSearch.DataNodes != 1 || c.OpenSearch.MasterNodes != 0 || c.WAF {
				t.Errorf("dev: %+v", c)
			}
		}},
		{name: "prod is resilient", stage: "prod", overrides: `{"alarmEmail":"ops@example.com"}`, check: func(t *testing.T, c StageConfig) {
			o := c.OpenSearch
			if !c.RetainData || !c.TerminationProtection || !c.PointInTimeRecovery || o.AvailabilityZones != 3 || o.MasterNodes != 3 || !o.MultiAZWithStandby || !c.WAF {
				t.Errorf("prod: %+v", c)
			}
		}},
		{name: "CDK default account when the config names none", stage: "staging", overrides: `{"alarmEmail":"ops@example.com"}`, account: "111122223333", region: "us-east-1", check: func(t *testing.T, c StageConfig) {
			if c.Account != "111122223333" || c.Region != "eu-west-3" {
				t.Errorf("account %q region %q", c.Account, c.Region)
			}
		}},
		{name: "overrides from cdk.json", stage: "prod", overrides: `{"account":"999999999999","alarmEmail":"ops@example.com","partners":["acme","globex"]}`, account: "111122223333", check: func(t *testing.T, c StageConfig) {
			if c.Account != "999999999999" || c.AlarmEmail != "ops@example.com" || len(c.Partners) != 2 || c.OpenSearch.MasterNodes != 3 {
				t.Errorf("%+v", c)
			}
		}},
		{name: "unknown stage", stage: "qa", wantErr: `unknown stage "qa"`},
		{name: "unknown field", stage: "dev", overrides: `{"alarmMail":"x"}`, wantErr: "unknown field"},
		{name: "layer of another region", stage: "dev", overrides: `{"region":"us-east-1"}`, wantErr: "not in region us-east-1"},
		{name: "unpinned layer", stage: "dev", overrides: `{"brefLayerArn":"arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-84"}`, wantErr: "not a pinned layer version"},
		{name: "staging without alarm e-mail", stage: "staging", wantErr: "alarmEmail is required"},
		{name: "domain without certificate", stage: "prod", overrides: `{"domainName":"search.example.com"}`, wantErr: "go together"},
		{name: "certificate outside us-east-1", stage: "prod", overrides: `{"domainName":"s.example.com","certificateArn":"arn:aws:acm:eu-west-3:1:certificate/x"}`, wantErr: "us-east-1"},
		{name: "standby without three AZs", stage: "staging", overrides: `{"openSearch":{"dataNodes":2,"availabilityZones":2,"multiAzWithStandby":true,"dataInstanceType":"m6g.large.search","volumeGiB":20,"engineVersion":"2.19"}}`, wantErr: "multiAzWithStandby"},
		{name: "retention CloudWatch does not offer", stage: "dev", overrides: `{"logRetentionDays":10}`, wantErr: "logRetentionDays 10"},
		{name: "bad partner name", stage: "dev", overrides: `{"partners":["a b"]}`, wantErr: "partners"},
		{name: "history kept for no day", stage: "dev", overrides: `{"historyDays":0}`, wantErr: "historyDays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(tt.stage, json.RawMessage(tt.overrides), tt.account, tt.region)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Stage != tt.stage {
				t.Errorf("stage %q", c.Stage)
			}
			tt.check(t, c)
		})
	}
}

func TestNamesCarryTheStage(t *testing.T) {
	for _, st := range Stages() {
		c, err := DefaultConfig(st)
		if err != nil {
			t.Fatal(err)
		}
		if c.StackName("Data") != "CatalogSearch-"+st+"-Data" || c.Prefix() != "catalogsearch-"+st {
			t.Errorf("%s: %s %s", st, c.StackName("Data"), c.Prefix())
		}
		if len(c.Prefix()) > 28 {
			t.Errorf("%s: domain name %s longer than OpenSearch allows", st, c.Prefix())
		}
	}
}

// TestCdkJSON checks that cdk.json runs this app and that its per-stage
// overrides load for every stage.
func TestCdkJSON(t *testing.T) {
	b, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		App     string `json:"app"`
		Context struct {
			Stages map[string]json.RawMessage `json:"stages"`
		} `json:"context"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.App, "go run") {
		t.Errorf("cdk.json app %q does not run the Go app", doc.App)
	}
	for name := range doc.Context.Stages {
		if _, err := DefaultConfig(name); err != nil {
			t.Errorf("cdk.json names an unknown stage: %v", err)
		}
	}
	for _, st := range Stages() {
		if _, err := LoadConfig(st, doc.Context.Stages[st], testAccount, ""); err != nil {
			t.Errorf("cdk.json stages.%s: %v", st, err)
		}
	}
}
